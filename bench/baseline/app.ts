/**
 * The plain-CDK baseline of the plan benchmark (issue 14): what a CDK user would write by hand for
 * N services. One app; one stack holding a VPC over 2 zones and an ECS cluster; one stack per
 * service holding an aws-ecs-patterns ApplicationLoadBalancedFargateService (2 tasks, 256 CPU /
 * 512 MiB, a public image on port 80); `app.synth()` with default settings (so CDK's built-in
 * CloudFormation validation runs, as it does for any CDK user who does not turn it off).
 *
 *   N=1000 OUT=/tmp/baseline-out npx tsx bench/baseline/app.ts
 *
 * Prints `baseline:construct-s=… baseline:synth-s=…` (seconds inside the process) on stderr.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as patterns from 'aws-cdk-lib/aws-ecs-patterns';

const n = Number(process.env.N ?? 100);
const started = performance.now();
const app = new App({ outdir: process.env.OUT });
const shared = new Stack(app, 'Shared');
const vpc = new ec2.Vpc(shared, 'Vpc', { maxAzs: 2 });
const cluster = new ecs.Cluster(shared, 'Cluster', { vpc });
for (let i = 0; i < n; i++) {
  const stack = new Stack(app, `Service${i}`);
  new patterns.ApplicationLoadBalancedFargateService(stack, 'Svc', {
    cluster,
    desiredCount: 2,
    cpu: 256,
    memoryLimitMiB: 512,
    taskImageOptions: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'), containerPort: 80 },
  });
}
const constructed = performance.now();
app.synth();
const synthesized = performance.now();
process.stderr.write(`baseline:construct-s=${((constructed - started) / 1000).toFixed(2)} baseline:synth-s=${((synthesized - constructed) / 1000).toFixed(2)}\n`);
