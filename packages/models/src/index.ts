export {};
export * from './equivariant/index.ts';
export * from './nets/index.ts';
export * from './distributions/index.ts';
export * from './random/index.ts';
