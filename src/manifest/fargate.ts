/** Valid Fargate task sizes: for each CPU value, the memory (MiB) it may be paired with. */
const MEMORY_RANGES: Record<number, { from: number; to: number; step: number }> = {
  256: { from: 512, to: 2048, step: 512 },
  512: { from: 1024, to: 4096, step: 1024 },
  1024: { from: 2048, to: 8192, step: 1024 },
  2048: { from: 4096, to: 16384, step: 1024 },
  4096: { from: 8192, to: 30720, step: 1024 },
  8192: { from: 16384, to: 61440, step: 4096 },
  16384: { from: 32768, to: 122880, step: 8192 },
};

export function isValidFargateSize(cpu: number, memory: number): boolean {
  const range = MEMORY_RANGES[cpu];
  if (!range) return false;
  // 256 CPU units pair with exactly 512, 1024 or 2048.
  if (cpu === 256) return memory === 512 || memory === 1024 || memory === 2048;
  return memory >= range.from && memory <= range.to && (memory - range.from) % range.step === 0;
}

export function describeFargateMemory(cpu: number): string {
  const range = MEMORY_RANGES[cpu];
  if (!range) return 'no memory (not a Fargate CPU value)';
  if (cpu === 256) return '512, 1024 or 2048';
  return `${range.from} to ${range.to} in steps of ${range.step}`;
}

/**
 * The next valid Fargate size up in memory from `cpu`/`memory` MiB: the next step at the same CPU,
 * or, past that CPU's maximum, the smallest memory of the next CPU value. Undefined at the largest
 * size (16 vCPU, 120 GiB). Figures: Fargate task CPU and memory table (ECS Developer Guide).
 */
export function nextFargateSize(cpu: number, memory: number): { cpu: number; memory: number } | undefined {
  const cpus = Object.keys(MEMORY_RANGES).map(Number).sort((a, b) => a - b);
  for (const c of cpus.filter((c) => c >= cpu)) {
    const range = MEMORY_RANGES[c]!;
    const sizes = c === 256 ? [512, 1024, 2048] : Array.from({ length: (range.to - range.from) / range.step + 1 }, (_, i) => range.from + i * range.step);
    const next = sizes.find((m) => m > memory);
    if (next !== undefined) return { cpu: c, memory: next };
  }
  return undefined;
}
