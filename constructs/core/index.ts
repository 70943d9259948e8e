// The base layer every construct family and lib/ build on: errors, validation, compliance helpers
// and the wiring of notifications to SNS topics.
export * from './errors';
export * from './compliance';
export * from './lake-layout';
export * from './wildcards';
export * from './topic-publishers';
export * from './alarm-actions';
export * from './clock';
export * from './service-principals';
