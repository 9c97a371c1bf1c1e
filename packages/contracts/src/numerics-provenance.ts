// What decides the float rounding of a run besides code, params and seed.
// On one machine training is bit-reproducible; across CPUs it is not, because
// oneDNN (inside libtensorflow) picks its kernels by instruction set, and the
// thread counts change how sums are split. Artifacts record these facts so
// that a number can be traced to the machine kind that produced it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { JsonFields } from './json-fields.ts';

/** Environment variables that change TensorFlow's kernels or their thread split. */
export const NUMERICS_ENV = [
  'TF_ENABLE_ONEDNN_OPTS',
  'ONEDNN_MAX_CPU_ISA',
  'DNNL_MAX_CPU_ISA',
  'ONEDNN_DEFAULT_FPMATH_MODE',
  'TF_NUM_INTRAOP_THREADS',
  'TF_NUM_INTEROP_THREADS',
  'OMP_NUM_THREADS',
] as const;

/** CPU flags that select oneDNN/Eigen kernels (x86); other flags do not change the numerics. */
const KERNEL_FLAGS = /^(?:sse4_[12]|ssse3|avx|avx2|fma|f16c|avx512\w*|avx_vnni\w*|amx\w*|neon|asimd\w*|sve\w*)$/;

export interface CpuInfo {
  /** Model name as the OS reports it. */
  readonly model: string;
  readonly vendor: string | null;
  /** `family/model/stepping` on x86 (tells CPU generations apart when the model name is generic). */
  readonly signature: string | null;
  readonly logicalCores: number;
  /** The instruction-set flags that select kernels, sorted. Empty when the OS does not list flags. */
  readonly kernelFlags: readonly string[];
}

export interface NumericsProvenance {
  readonly cpu: CpuInfo;
  /** Backend name (`tensorflow`, `tensorflow-gpu`). */
  readonly backend: string;
  /** The NUMERICS_ENV variables as set for the run; an absent key means unset (TensorFlow's default). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether TensorFlow's oneDNN kernels are on: the variable's value, or its default on x86 Linux. */
  readonly onednn: boolean;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
}

/** The machine a run used, for a report's provenance table. */
export interface HardwareInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
}

/** This machine: the CPU model and core count as the OS reports them, memory, platform, Node. */
export function hardwareInfo(): HardwareInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: os.platform(),
    arch: os.arch(),
    node: process.versions.node,
  };
}

/** Parses the text of /proc/cpuinfo (the first processor's fields). */
export function parseCpuinfo(text: string): { vendor: string | null; signature: string | null; flags: string[]; model: string | null } {
  const first = text.split(/\n\s*\n/)[0] ?? '';
  const field = (name: string): string | null => {
    const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first);
    return m === null ? null : (m[1] ?? '').trim();
  };
  const family = field('cpu family');
  const model = field('model');
  const stepping = field('stepping');
  const flags = (field('flags') ?? field('Features') ?? '').split(/\s+/).filter((f) => f !== '');
  return {
    vendor: field('vendor_id') ?? field('CPU implementer'),
    signature: family !== null && model !== null ? `${family}/${model}/${stepping ?? '?'}` : null,
    flags,
    model: field('model name'),
  };
}

/** The kernel-selecting subset of a CPU's flags, sorted. */
export function kernelFlags(flags: readonly string[]): string[] {
  return [...new Set(flags.filter((f) => KERNEL_FLAGS.test(f)))].sort();
}

/** Whether oneDNN kernels are on for this value of TF_ENABLE_ONEDNN_OPTS (TensorFlow >= 2.9 turns them on by default on x86 Linux). */
export function onednnEnabled(value: string | undefined, platform: string, arch: string): boolean {
  if (value !== undefined && value.trim() !== '') return !/^(?:0|false|no|off)$/i.test(value.trim());
  return platform === 'linux' && arch === 'x64';
}

/** The facts about this machine and process that change a run's float rounding. */
export function numericsProvenance(env: Readonly<Record<string, string | undefined>>, backend: string): NumericsProvenance {
  let info: ReturnType<typeof parseCpuinfo> = { vendor: null, signature: null, flags: [], model: null };
  try {
    info = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // Not Linux: the model name from os.cpus() is all there is.
  }
  const cpus = os.cpus();
  const set: Record<string, string> = {};
  for (const k of NUMERICS_ENV) {
    const v = env[k];
    if (v !== undefined && v !== '') set[k] = v;
  }
  return {
    cpu: {
      model: info.model ?? cpus[0]?.model.trim() ?? 'unknown',
      vendor: info.vendor,
      signature: info.signature,
      logicalCores: cpus.length,
      kernelFlags: kernelFlags(info.flags),
    },
    backend,
    env: set,
    onednn: onednnEnabled(env.TF_ENABLE_ONEDNN_OPTS, os.platform(), os.arch()),
    platform: os.platform(),
    arch: os.arch(),
    node: process.versions.node,
  };
}

/** Checks a NumericsProvenance read back from a manifest (at `field` of the file `fields` reads). */
export function checkNumericsProvenance(fields: JsonFields, value: unknown, field: string): NumericsProvenance {
  const p = fields.object(value, field);
  const cpu = fields.object(p.cpu, `${field}.cpu`);
  fields.string(cpu.model, `${field}.cpu.model`);
  if (cpu.vendor !== null) fields.string(cpu.vendor, `${field}.cpu.vendor`);
  if (cpu.signature !== null) fields.string(cpu.signature, `${field}.cpu.signature`);
  fields.integer(cpu.logicalCores, `${field}.cpu.logicalCores`, 0);
  fields.array(cpu.kernelFlags, `${field}.cpu.kernelFlags`).forEach((f, i) => fields.string(f, `${field}.cpu.kernelFlags[${i}]`));
  fields.string(p.backend, `${field}.backend`);
  fields.strings(p.env, `${field}.env`);
  fields.boolean(p.onednn, `${field}.onednn`);
  for (const k of ['platform', 'arch', 'node'] as const) fields.string(p[k], `${field}.${k}`);
  return p as unknown as NumericsProvenance;
}

/** One line for logs and tables: `AMD EPYC (25/1/1), avx2 avx512f ..., oneDNN on, intra-op 1`. */
export function describeNumerics(p: NumericsProvenance): string {
  const threads = [
    p.env.TF_NUM_INTRAOP_THREADS === undefined ? null : `intra-op ${p.env.TF_NUM_INTRAOP_THREADS}`,
    p.env.TF_NUM_INTEROP_THREADS === undefined ? null : `inter-op ${p.env.TF_NUM_INTEROP_THREADS}`,
  ].filter((x) => x !== null);
  const isa = p.env.ONEDNN_MAX_CPU_ISA ?? p.env.DNNL_MAX_CPU_ISA;
  return [
    `${p.cpu.model}${p.cpu.signature === null ? '' : ` (${p.cpu.signature})`}, ${p.cpu.logicalCores} cores`,
    p.cpu.kernelFlags.filter((f) => /^(?:avx2|fma|avx512f|avx512_bf16|avx512_vnni|avx_vnni|amx_tile|neon|sve)$/.test(f)).join(' ') || 'no SIMD flags listed',
    `oneDNN ${p.onednn ? 'on' : 'off'}${isa === undefined ? '' : ` (max ISA ${isa})`}`,
    ...threads,
    p.backend,
  ].join(', ');
}
