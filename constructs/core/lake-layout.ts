/**
 * The data lake's prefixes, shared by the bucket that holds the lake (`MlDataStore`) and the
 * constructs that read and write it (streaming ingestion, Spark preprocessing, the feature store),
 * so grants, lifecycle rules and Glue table locations agree on one layout.
 *
 * Every prefix ends with `/` and none contains another, so a grant on one never reaches into another.
 */
export interface LakeLayout {
  /** Data as it arrived (streaming ingestion writes here, partitioned by table and date). */
  readonly raw: string;
  /** Cleaned, joined, deduplicated data written by preprocessing jobs. */
  readonly curated: string;
  /** The feature store's offline store. */
  readonly features: string;
  /** Records that could not be delivered or converted, kept for inspection and replay. */
  readonly errors: string;
  /** Job code and dependencies (Spark entry points, wheels, jars). */
  readonly code: string;
}

/** raw/, curated/, features/, errors/, code/ */
export const DEFAULT_LAKE_LAYOUT: LakeLayout = {
  raw: 'raw/',
  curated: 'curated/',
  features: 'features/',
  errors: 'errors/',
  code: 'code/',
};
