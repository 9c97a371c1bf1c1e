// Distributions of the latent space: the von Mises-Fisher posterior with its
// uniform prior on the sphere (S-VAE) and the diagonal Gaussian with its
// standard-normal prior (N-VAE ablation), behind one interface, with KL
// divergences looked up by the pair of types.
export type { Distribution } from './distribution.ts';
export { registerKL, klDivergence } from './kl-registry.ts';
export type { DistributionType, KLFunction, RegisterKLOptions } from './kl-registry.ts';
export {
  DistributionError,
  DuplicateKLError,
  InvalidDistributionArgumentError,
  SamplerExhaustedError,
  UnregisteredKLError,
} from './errors.ts';
export { VonMisesFisher } from './von-mises-fisher.ts';
export type { VonMisesFisherOptions } from './von-mises-fisher.ts';
export { HypersphericalUniform } from './hyperspherical-uniform.ts';
export { Normal, StandardNormal } from './normal.ts';
export { logBesselI, logBesselIve } from './log-bessel-i.ts';
export { besselIRatio, meanResultantLength } from './bessel-ratio.ts';
export { klVmfUniform } from './kl-vmf-uniform.ts';
export { vmfShiftedLogNormalizer } from './vmf-log-normalizer.ts';
export { logGamma } from './log-gamma.ts';
export { besselOrder, checkAmbientDim, logSphereArea } from './sphere.ts';
export { sampleVmfCosine } from './vmf-cosine-sampler.ts';
export type { CosineSamplerOptions } from './vmf-cosine-sampler.ts';
export { farPoleSign, placeAroundMu } from './householder.ts';
