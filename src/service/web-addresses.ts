import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { isInZone } from '../manifest/spec';
import { certificateNames } from './web-routing';

export interface WebAddressesProps {
  /** Every name the service answers to: <service>.<domain> first, then its extra hostnames. */
  readonly hostnames: readonly string[];
  readonly domain: string;
  readonly zoneId: string;
  /** The shard's load balancer, as alias target. */
  readonly loadBalancer: { readonly dnsName: string; readonly canonicalZoneId: string };
  readonly listener: elbv2.IApplicationListener;
}

/**
 * Alias records for every name in the environment's zone (names elsewhere are pointed by their
 * owners), and certificates of its own for names the environment's wildcard does not cover: one
 * per 10 names (the ACM default quota of names per certificate), each one SNI slot on the shard.
 */
export class WebAddresses extends Construct {
  constructor(scope: Construct, id: string, props: WebAddressesProps) {
    super(scope, id);
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.zoneId, zoneName: props.domain });
    const target = route53.RecordTarget.fromAlias({
      bind: () => ({ dnsName: `dualstack.${props.loadBalancer.dnsName}`, hostedZoneId: props.loadBalancer.canonicalZoneId, evaluateTargetHealth: true }),
    });
    // Each record's logical id follows its name, never its place in the list: reordering or
    // shortening the list then changes no record, where by position a record would be replaced by
    // one with its neighbour's name, created while the neighbour still holds it. The service's own
    // name, always first, keeps the id it has always had.
    props.hostnames
      .filter((h) => isInZone(h, props.domain))
      .forEach((name) => new route53.ARecord(this, name === props.hostnames[0] ? 'Record0' : `Record-${name}`, { zone, recordName: `${name}.`, target }));

    // Names in the environment's zone validate themselves; owners of other zones add the CNAME
    // that ACM shows, and the deployment waits for it. The first certificate keeps the ids the one
    // certificate of a service has always had.
    certificateNames(props.hostnames, props.domain).forEach((names, i) => {
      const suffix = i === 0 ? '' : String(i + 1);
      const certificate = new acm.Certificate(this, `Certificate${suffix}`, {
        domainName: names[0]!,
        subjectAlternativeNames: names.slice(1),
        validation: acm.CertificateValidation.fromDnsMultiZone(Object.fromEntries(names.filter((h) => isInZone(h, props.domain)).map((h) => [h, zone]))),
      });
      new elbv2.ApplicationListenerCertificate(this, `ListenerCertificate${suffix}`, {
        listener: props.listener,
        certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
      });
    });
  }
}
