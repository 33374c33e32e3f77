/** The built-in runbooks, in the order the engine asks them (first that answers decides). */
import type { Runbook } from './context';
import { certificateExpiry } from './runbooks/certificate-expiry';
import { compromisedTask } from './runbooks/compromised-task';
import { configDrift } from './runbooks/config-drift';
import { crashLoop } from './runbooks/crash-loop';
import { deployRegression } from './runbooks/deploy-regression';
import { outOfMemory } from './runbooks/out-of-memory';
import { scaleOut } from './runbooks/scale-out';
import { scheduledChange } from './runbooks/scheduled-change';

export const RUNBOOKS: readonly Runbook[] = [deployRegression, scaleOut, outOfMemory, crashLoop, compromisedTask, configDrift, certificateExpiry, scheduledChange];
