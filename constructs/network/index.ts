export * from './ml-network';
export { S3PrefixList, allowHttpsToAwsEndpoints, type HttpsToAwsEndpointsOptions } from './s3-prefix-list';
