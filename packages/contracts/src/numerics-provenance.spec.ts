import { describe, expect, it } from 'vitest';
import { describeNumerics, kernelFlags, numericsProvenance, onednnEnabled, parseCpuinfo } from './numerics-provenance.ts';

const CPUINFO = `processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 26
model\t\t: 2
model name\t: AMD EPYC
stepping\t: 1
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512bw avx512_bf16 hypervisor aes

processor\t: 1
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC
`;

describe('numerics provenance', () => {
  it('reads the first processor of /proc/cpuinfo', () => {
    const info = parseCpuinfo(CPUINFO);
    expect(info).toMatchObject({ vendor: 'AuthenticAMD', signature: '26/2/1', model: 'AMD EPYC' });
    expect(kernelFlags(info.flags)).toEqual(['avx', 'avx2', 'avx512_bf16', 'avx512bw', 'avx512f', 'f16c', 'fma', 'sse4_1', 'sse4_2', 'ssse3']);
  });

  it('knows TensorFlow\'s oneDNN default and the values that turn it off', () => {
    expect(onednnEnabled(undefined, 'linux', 'x64')).toBe(true);
    expect(onednnEnabled(undefined, 'darwin', 'arm64')).toBe(false);
    expect(onednnEnabled('0', 'linux', 'x64')).toBe(false);
    expect(onednnEnabled('false', 'linux', 'x64')).toBe(false);
    expect(onednnEnabled('1', 'darwin', 'arm64')).toBe(true);
  });

  it('records only the variables that change the numerics, from the environment it is given', () => {
    const p = numericsProvenance({ TF_NUM_INTRAOP_THREADS: '1', ONEDNN_MAX_CPU_ISA: 'AVX2', HOME: '/root', TF_NUM_INTEROP_THREADS: '' }, 'tensorflow');
    expect(p.env).toEqual({ TF_NUM_INTRAOP_THREADS: '1', ONEDNN_MAX_CPU_ISA: 'AVX2' });
    expect(p.backend).toBe('tensorflow');
    expect(p.cpu.logicalCores).toBeGreaterThan(0);
    expect(describeNumerics(p)).toMatch(/oneDNN (on|off) \(max ISA AVX2\), intra-op 1, tensorflow$/);
  });
});
