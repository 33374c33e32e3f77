/**
 * certificate-expiry: ACM says a certificate of the estate is near expiry. ACM renews a
 * DNS-validated certificate in use by itself while its validation CNAME records exist, so the one
 * useful check is that they do; the owner is told either way, with what is missing.
 */
import { evidence, type Runbook } from '../context';

export const certificateExpiry: Runbook = {
  name: 'certificate-expiry',
  answers(o) {
    return o.type === 'certificate' ? {} : undefined;
  },
  async plan(o, _ctx, _settings, lookups) {
    if (o.type !== 'certificate') throw new Error('certificate-expiry answers ACM expiry events only');
    const records = await lookups.validationRecords(o.certificateArn);
    const missing = records?.filter((r) => !r.present).map((r) => r.name) ?? [];
    const conditions = {
      certificate: o.certificateArn,
      name: o.commonName,
      daysToExpiry: o.daysToExpiry,
      validation: records === undefined ? 'not DNS-validated: ACM cannot renew it by itself' : missing.length ? `missing: ${missing.join(', ')}` : 'every validation record present',
    };
    const fine = records !== undefined && missing.length === 0;
    const subject = `certificate ${o.commonName ?? o.certificateArn} expires in ${o.daysToExpiry ?? '?'} days${fine ? '; ACM should renew it (validation records present)' : '; ACM cannot renew it as it is'}`;
    return { conditions, actions: [{ do: 'notify', subject, message: evidence(conditions) }] };
  },
};
