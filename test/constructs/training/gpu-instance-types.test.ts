import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  allGpuInstanceTypes,
  DEFAULT_EFA_INSTANCE_TYPES,
  DEFAULT_TRAINING_INSTANCE_TYPES,
  gpuInstanceSpec,
} from '../../../constructs/training/gpu-instance-types';

describe('GPU instance allowlist', () => {
  test.each([
    [
      'g5.xlarge',
      {
        family: 'g5',
        gpus: 1,
        gpuName: 'A10G',
        vcpus: 4,
        memoryGiB: 16,
        architecture: 'x86_64',
        efaInterfaces: 0,
      },
    ],
    [
      'g6e.12xlarge',
      {
        family: 'g6e',
        gpus: 4,
        gpuName: 'L40S',
        vcpus: 48,
        memoryGiB: 384,
        architecture: 'x86_64',
        efaInterfaces: 1,
      },
    ],
    [
      'p5.48xlarge',
      {
        family: 'p5',
        gpus: 8,
        gpuName: 'H100',
        vcpus: 192,
        memoryGiB: 2048,
        architecture: 'x86_64',
        efaInterfaces: 32,
      },
    ],
    [
      'g5g.xlarge',
      {
        family: 'g5g',
        gpus: 1,
        gpuName: 'T4g',
        vcpus: 4,
        memoryGiB: 8,
        architecture: 'arm64',
        efaInterfaces: 0,
      },
    ],
  ])('%s', (type, spec) => {
    expect(gpuInstanceSpec(type)).toEqual(spec);
  });

  test.each([
    'c5.xlarge',
    'm7i.large',
    'trn1.32xlarge',
    'inf2.xlarge',
    'g5',
    'g5.huge',
    '.xlarge',
    'constructor.xlarge',
    'g5.toString',
    '',
  ])('%j is not an accelerated training type', (type) => {
    expect(gpuInstanceSpec(type)).toBeUndefined();
  });

  test('the defaults span at least three families of one architecture, and the EFA defaults support EFA', () => {
    const specs = DEFAULT_TRAINING_INSTANCE_TYPES.map((t) => gpuInstanceSpec(t)!);
    expect(new Set(specs.map((s) => s.family)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(specs.map((s) => s.architecture))).toEqual(new Set(['x86_64']));
    expect(DEFAULT_EFA_INSTANCE_TYPES.every((t) => gpuInstanceSpec(t)!.efaInterfaces > 0)).toBe(true);
  });

  test('every allowlisted type has a GPU and at least 4 vCPUs per GPU (the cap arithmetic relies on it)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allGpuInstanceTypes()), (type) => {
        const spec = gpuInstanceSpec(type)!;
        expect(spec.gpus).toBeGreaterThanOrEqual(1);
        expect(spec.vcpus / spec.gpus).toBeGreaterThanOrEqual(4);
        expect(type.startsWith(`${spec.family}.`)).toBe(true);
      }),
    );
  });
});
