// The data plane: the lake's Glue database, streaming ingestion, Spark preprocessing, the feature store.
export * from './lake-database';
export * from './lake-table';
export * from './ingestion-source';
export * from './streaming-ingestion';
export * from './spark-preprocessing';
export * from './feature-store';
