import { Token } from 'aws-cdk-lib';
import { MlPlatformValidationError } from '../core/errors';

/**
 * A column type of a lake table, as Glue and Athena spell it (Hive DDL types). Firehose converts
 * JSON records to Parquet with these types ("Firehose uses ... the column information from the
 * AWS Glue table to deserialize your input data from JSON and then serialize it to Parquet").
 */
export class LakeColumnType {
  public static readonly STRING = new LakeColumnType('string');
  public static readonly BOOLEAN = new LakeColumnType('boolean');
  public static readonly INT = new LakeColumnType('int');
  public static readonly BIGINT = new LakeColumnType('bigint');
  public static readonly FLOAT = new LakeColumnType('float');
  public static readonly DOUBLE = new LakeColumnType('double');
  public static readonly DATE = new LakeColumnType('date');
  public static readonly TIMESTAMP = new LakeColumnType('timestamp');

  /** `decimal(precision, scale)`: precision 1–38, scale 0–precision. */
  public static decimal(precision: number, scale: number): LakeColumnType {
    const ok =
      Number.isInteger(precision) &&
      Number.isInteger(scale) &&
      precision >= 1 &&
      precision <= 38 &&
      scale >= 0 &&
      scale <= precision;
    if (!ok) {
      throw new MlPlatformValidationError('LakeColumnType', 'LakeColumnType.decimal', [
        {
          prop: 'precision, scale',
          value: [precision, scale],
          allowed: 'a precision from 1 to 38 and a scale from 0 to the precision',
        },
      ]);
    }
    return new LakeColumnType(`decimal(${precision},${scale})`);
  }

  /** `array<element>` */
  public static array(element: LakeColumnType): LakeColumnType {
    return new LakeColumnType(`array<${element.name}>`);
  }

  /** `map<string,value>` */
  public static map(value: LakeColumnType): LakeColumnType {
    return new LakeColumnType(`map<string,${value.name}>`);
  }

  private constructor(public readonly name: string) {}
}

/** One column of a lake table. */
export interface LakeColumn {
  /** Column name: lower-case letters, digits and underscores (Athena's rule). */
  readonly name: string;
  readonly type: LakeColumnType;
  /**
   * Shown in the Glue console and Athena.
   * @default - none
   */
  readonly comment?: string;
}

/** Glue and Athena identifiers: lower-case letters, digits and underscore. */
export const LAKE_IDENTIFIER = /^[a-z0-9_]{1,255}$/;

/** Parquet SerDe and formats of a Hive table Athena, Spark and Firehose all read. */
export const PARQUET_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
} as const;

/** Names that are not lake identifiers (tokens are skipped: they are only known at deploy time). */
export function badIdentifiers(names: readonly string[]): string[] {
  return names.filter((n) => !Token.isUnresolved(n) && !LAKE_IDENTIFIER.test(n));
}
