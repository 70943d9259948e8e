/**
 * The smallest CDK app worth synthesizing: one stack, one bucket. `npm run bench` times it next
 * to the reference platform (`bin/platform.ts`), both as whole `npx tsx` processes like `cdk synth`
 * runs them, so the ratio shows what the platform adds over CDK's own start-up.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

const app = new App();
new s3.Bucket(new Stack(app, 'OneBucket'), 'Bucket');
app.synth();
