// Browser-safe entry of @sgvae/data: the rotation and padding that build the
// datasets, for code that must turn and pad digits exactly as the pipeline
// does (the model viewer). Nothing imported from here may use a `node:`
// module; the viewer's tests bundle it for the browser and fail on any.
export { DataError } from './errors.ts';
// Rotation lives in @sgvae/contracts; its `rotation` entry imports no `node:` module.
export { MAX_SUPERSAMPLE, ImageRotator, checkSupersample, createRotationPlan, rotateImage, rotateImages } from '@sgvae/contracts/rotation';
export type { PixelArray, RotateOptions, RotationPlan } from '@sgvae/contracts/rotation';
export { padImages, paddingFor } from './pad.ts';
export type { Padding } from './pad.ts';
