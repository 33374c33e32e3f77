import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parameter } from '../naming/names';
import { published } from './imports';
import type { EnvironmentStackProps } from './props';

/**
 * The environment's wildcard certificate (`*.<domain>` and `<domain>`), validated through DNS in
 * the environment's zone, published for the load balancer shards.
 *
 * It is a stack of its own, deployed after the foundation, because ACM validates through DNS and
 * waits (up to 72 hours) until the validation record resolves: when the foundation creates the
 * zone, nothing resolves until the parent zone delegates to it. With the certificate here, the
 * foundation (and its NameServers output) is deployed first, `cityplan deploy` stops until the
 * delegation resolves, and only then deploys this stack.
 */
export class CertificateStack extends Stack {
  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { estate, environment: env } = props;
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: published(this, parameter.zoneId(estate, env.name)),
      zoneName: env.domain,
    });
    const certificate = new acm.Certificate(this, 'Wildcard', {
      domainName: `*.${env.domain}`,
      subjectAlternativeNames: [env.domain],
      validation: acm.CertificateValidation.fromDns(zone),
    });
    new ssm.StringParameter(this, 'Param', {
      parameterName: parameter.certificateArn(estate, env.name),
      stringValue: certificate.certificateArn,
      description: `Certificate for *.${env.domain}`,
    });
  }
}
