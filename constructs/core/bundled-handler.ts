import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import type { Construct } from 'constructs';

/** Options of bundledHandlerCode. */
export interface BundledHandlerOptions {
  /** The handler's source (`.ts` in the repository, `.js` in the published package); it exports `handler`. */
  readonly entry: string;
  /** The function's runtime: the bundle targets its Node.js version. */
  readonly runtime: lambda.Runtime;
  /** Modules left out of the bundle because the runtime provides them (`@aws-sdk/*`). */
  readonly externalModules: readonly string[];
}

/**
 * The code of a Node.js handler, bundled by esbuild into `index.js` (+ source map) as an asset, with
 * the options `NodejsFunction` would pass (`--bundle --platform=node --target=node<N> --minify
 * --sourcemap --external:...`), but through esbuild's JavaScript API in the synth process.
 * `NodejsFunction` runs the same esbuild through `npx --no-install esbuild` once per handler: a
 * second Node.js process that boots npm before esbuild starts (most of the bundling time of a
 * synth). The asset is still hashed from the bundle's output, so a change to the handler or
 * anything it imports gives a new asset, and dev and prod stacks share one bundle per synth
 * (CDK's asset staging cache).
 *
 * "The handler is index.handler: file name index.js, exported function handler" is the same
 * contract NodejsFunction sets up ("handler: 'index.handler'" in the Lambda function resource).
 */
export function bundledHandlerCode(scope: Construct, options: BundledHandlerOptions): lambda.Code {
  const { entry, runtime } = options;
  if (!existsSync(entry)) {
    // Not a prop: the library's own file is missing (a broken install or build).
    throw new Error(
      `${scope.node.path}: the Lambda handler ${entry} does not exist (the package's dist/ ships the compiled .js)`,
    );
  }
  const version = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (version === undefined) {
    throw new Error(`${scope.node.path}: runtime ${runtime.name} is not a Node.js runtime (nodejs<N>.x)`);
  }
  const args = [
    '--bundle',
    basename(entry),
    '--platform=node',
    `--target=node${version}`,
    '--minify',
    '--sourcemap',
    ...options.externalModules.map((m) => `--external:${m}`),
  ];
  return lambda.Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Docker is never used: local bundling below always succeeds or throws. The image and the
      // command describe the same build (and key CDK's per-synth asset cache by handler).
      image: runtime.bundlingImage,
      command: ['bash', '-c', `esbuild ${args.join(' ')} --outfile=/asset-output/index.js`],
      local: {
        tryBundle(outputDir: string): boolean {
          const result = buildSync({
            entryPoints: [entry],
            bundle: true,
            platform: 'node',
            target: `node${version}`,
            format: 'cjs',
            outfile: join(outputDir, 'index.js'),
            minify: true,
            sourcemap: true,
            external: [...options.externalModules],
            logLevel: 'silent',
          });
          // buildSync throws on errors; this keeps a silent failure impossible.
          if (result.errors.length > 0) {
            throw new Error(
              `${scope.node.path}: esbuild could not bundle ${entry}: ${result.errors[0].text}`,
            );
          }
          return true;
        },
      },
    },
  });
}
