export * from './ml-network';
