import { describe, expect, it } from 'vitest';
import { isValidFargateSize } from '../../src/manifest/fargate';
import { scheduleProblem } from '../../src/manifest/schedule';
import { convertSchedule, NEVER, nearestFargateSize, seconds, shellWords } from '../../src/migrate/copilot/convert';

describe('Copilot schedules as EventBridge expressions', () => {
  it.each([
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@hourly', 'cron(0 * * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
    ['@monthly', 'cron(0 0 1 * ? *)'],
    ['@yearly', 'cron(0 0 1 1 ? *)'],
    ['@every 2h', 'rate(2 hours)'],
    ['every 2h', 'rate(2 hours)'],
    ['@every 30m', 'rate(30 minutes)'],
    ['@every 1h30m', 'rate(90 minutes)'],
    ['@every 24h', 'rate(1 day)'],
    ['@every 1m', 'rate(1 minute)'],
    ['rate(5 minutes)', 'rate(5 minutes)'],
    ['cron(0 12 * * ? *)', 'cron(0 12 * * ? *)'],
    // Five fields: Sunday is 0 (or 7) in standard cron, 1 in EventBridge; one day field is `?`.
    ['0 3 * * 0', 'cron(0 3 ? * 1 *)'],
    ['30 2 * * 1-5', 'cron(30 2 ? * 2-6 *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * 6,7,1 *)'],
    ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
    ['0 4 1 * *', 'cron(0 4 1 * ? *)'],
    ['0 4 * * MON-FRI', 'cron(0 4 ? * MON-FRI *)'],
  ])('%s → %s, which the schedule validator accepts', (copilot, expected) => {
    const converted = convertSchedule(copilot);
    expect(converted.expression).toBe(expected);
    expect(converted.placeholder).toBeUndefined();
    expect(scheduleProblem(converted.expression)).toBeUndefined();
  });

  it('says what it approximated: seconds rounded up to a minute, both day fields kept as one', () => {
    expect(convertSchedule('@every 90s')).toEqual({ expression: 'rate(2 minutes)', note: expect.stringContaining('rounded up to 2 minutes') });
    expect(convertSchedule('0 0 1 * 1')).toEqual({ expression: 'cron(0 0 1 * ? *)', note: expect.stringContaining('only day-of-month 1 is kept') });
  });

  it('gives a valid never-firing placeholder, with the reason, for none and for what it cannot read', () => {
    for (const s of ['none', 'tomorrow', 'cron(0 0 * * *)', '0 25 * * *']) {
      const converted = convertSchedule(s);
      expect(converted).toMatchObject({ expression: NEVER, placeholder: true, note: expect.any(String) });
      expect(scheduleProblem(converted.expression)).toBeUndefined();
    }
  });
});

describe('Fargate sizes', () => {
  it('keeps a valid size and moves an invalid one to the smallest valid size with at least as much of both', () => {
    expect(nearestFargateSize(512, 1024)).toEqual({ cpu: 512, memory: 1024 });
    expect(nearestFargateSize(256, 4096)).toEqual({ cpu: 512, memory: 4096 });
    expect(nearestFargateSize(1024, 1024)).toEqual({ cpu: 1024, memory: 2048 });
    expect(nearestFargateSize(4096, 7000)).toEqual({ cpu: 4096, memory: 8192 });
    expect(nearestFargateSize(300, 600)).toEqual({ cpu: 512, memory: 1024 });
    expect(nearestFargateSize(99999, 999999)).toEqual({ cpu: 16384, memory: 122880 });
    for (const [cpu, memory] of [[256, 3000], [2048, 2048], [8192, 20000]] as const) {
      const near = nearestFargateSize(cpu, memory);
      expect(isValidFargateSize(near.cpu, near.memory)).toBe(true);
      expect(near.cpu).toBeGreaterThanOrEqual(cpu);
      expect(near.memory).toBeGreaterThanOrEqual(memory);
    }
  });
});

describe('durations and commands', () => {
  it('reads Go durations as seconds', () => {
    expect(seconds('45s')).toBe(45);
    expect(seconds('1h30m')).toBe(5400);
    expect(seconds('250ms')).toBe(0.25);
    expect(seconds(30)).toBe(30);
    expect(seconds('soon')).toBeUndefined();
    expect(seconds('1h junk')).toBeUndefined();
  });

  it('splits a command string as a shell would', () => {
    expect(shellWords(`npm run start -- --port 8080`)).toEqual(['npm', 'run', 'start', '--', '--port', '8080']);
    expect(shellWords(`sh -c "echo 'hi there'" ''`)).toEqual(['sh', '-c', "echo 'hi there'", '']);
    expect(shellWords(String.raw`a\ b "c\"d"`)).toEqual(['a b', 'c"d']);
  });
});
