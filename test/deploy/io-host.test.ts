import { describe, expect, it } from 'vitest';
import { DeployRecorder } from '../../src/deploy/io-host';

describe('DeployRecorder', () => {
  it("keeps the toolkit's synthesis time out of the user's output, and passes other messages on", async () => {
    const shown: string[] = [];
    const inner = { notify: async (m: { message: string }) => void shown.push(m.message), requestResponse: async () => true };
    const host = new DeployRecorder(new Set(), inner as never);
    await host.notify({ code: 'CDK_TOOLKIT_I1000', level: 'info', message: '✨  Synthesis time: 0.02s', time: new Date(), action: 'deploy' } as never);
    await host.notify({ code: 'CDK_TOOLKIT_I5000', level: 'info', message: 'deploying', time: new Date(), action: 'deploy' } as never);
    expect(shown).toEqual(['deploying']);
  });
});
