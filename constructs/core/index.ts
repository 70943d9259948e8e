// The base layer every construct family and lib/ build on: errors, validation and compliance helpers.
export * from './errors';
export * from './compliance';
export * from './lake-layout';
export * from './wildcards';
