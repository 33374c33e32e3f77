/**
 * Things AWS allows once per account and region, which an environment may ask cityplan to create:
 * a GuardDuty detector (CreateDetector fails when the region has one: "only one detector per
 * account per region") and the AWS Config configuration recorder and delivery channel (one of each
 * per account and region: MaxNumberOfConfigurationRecordersExceededException,
 * MaxNumberOfDeliveryChannelsExceededException). Two environments in one account and region may
 * not both ask: the second stack's create would fail at deploy time, so the plan refuses it.
 *
 * Reads the estate defensively: it runs (with `when`) on data that failed other checks.
 *
 * @returns per problem, the field path in estate.yaml and the message
 */
export function accountSingletonProblems(estate: unknown): Array<[string[], string]> {
  const { region: estateRegion, environments } = (estate ?? {}) as { region?: unknown; environments?: unknown };
  if (environments === null || typeof environments !== 'object') return [];
  const problems: Array<[string[], string]> = [];
  const holders = new Map<string, string>();
  const claim = (what: string, path: string[], env: string, account: unknown, region: unknown, fix: string) => {
    const key = `${what} ${String(account)} ${String(region)}`;
    const holder = holders.get(key);
    if (holder === undefined) holders.set(key, env);
    else problems.push([path, `environment ${holder} already asks for the ${what} of account ${String(account)} in ${String(region)}, and AWS allows one per account and region; ${fix}`]);
  };
  for (const [env, fields] of Object.entries(environments as Record<string, unknown>)) {
    const f = (fields ?? {}) as { account?: unknown; region?: unknown; guardduty?: unknown; config?: { recorder?: unknown } };
    const region = f.region ?? estateRegion;
    if (f.guardduty === true) claim('GuardDuty detector', ['environments', env, 'guardduty'], env, f.account, region, `remove guardduty: true here (one detector watches both environments)`);
    if (f.config?.recorder === true) claim('AWS Config recorder', ['environments', env, 'config', 'recorder'], env, f.account, region, `set recorder: false here (one recorder records both environments)`);
  }
  return problems;
}
