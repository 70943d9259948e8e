export * from './encrypted-bucket';
export * from './ml-data-store';
export * from './model-image-repository';
