import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { Construct } from 'constructs';

/**
 * A GuardDuty detector with Runtime Monitoring and GuardDuty's automated agent for ECS Fargate
 * (CloudFormation AWS::GuardDuty::Detector Features: RUNTIME_MONITORING with the additional
 * configuration ECS_FARGATE_AGENT_MANAGEMENT): GuardDuty adds its security agent as a sidecar to
 * the tasks started after this is enabled. Findings are published every 15 minutes (the shortest
 * FindingPublishingFrequency) as EventBridge events, which the responder receives (issue 10).
 *
 * AWS allows one detector per account and region (CreateDetector); the manifest rules refuse two
 * environments of one account and region that both ask (src/manifest/singletons.ts).
 */
export class EnvironmentGuardDuty extends Construct {
  readonly detector: guardduty.CfnDetector;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.detector = new guardduty.CfnDetector(this, 'Detector', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
      features: [
        {
          name: 'RUNTIME_MONITORING',
          status: 'ENABLED',
          additionalConfiguration: [{ name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED' }],
        },
      ],
    });
  }
}
