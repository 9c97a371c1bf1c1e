// Analytic multiply-add count of a model's forward pass, from its layers'
// shapes: convolutions (plain, transposed, lifting and group convolutions
// of @sgvae/models, which run as one conv2d with the expanded filter) and
// dense layers. Element-wise layers (batch norm, activations, dropout) are
// memory-bound and left out, so achieved GFLOP/s measures the matrix work.
import type * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

function single(shape: Shape | Shape[]): Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as Shape;
}

function kernelArea(config: Record<string, unknown>): number {
  const k = config.kernelSize;
  if (Array.isArray(k)) return (k as number[]).reduce((a, b) => a * b, 1);
  return (k as number) * (k as number);
}

/** FLOPs (2 per multiply-add) of one forward pass of `model` for `batch` inputs. */
export function forwardFlops(model: tfl.LayersModel, batch: number): number {
  let total = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    const inbound = layer.input as tfl.SymbolicTensor | tfl.SymbolicTensor[];
    const input = (Array.isArray(inbound) ? inbound[0] : inbound).shape as Shape;
    const output = single(layer.outputShape as Shape | Shape[]);
    if (cls === 'Conv2D' || cls === 'LiftingConv2D' || cls === 'GroupConv2D') {
      const [, h, w, cout] = output as number[];
      const cin = input[3] as number;
      total += 2 * batch * h * w * cout * cin * kernelArea(config);
    } else if (cls === 'Conv2DTranspose') {
      const [, h, w, cin] = input as number[];
      const cout = output[3] as number;
      total += 2 * batch * h * w * cin * cout * kernelArea(config);
    } else if (cls === 'Dense') {
      total += 2 * batch * (input[input.length - 1] as number) * (output[output.length - 1] as number);
    }
  }
  return total;
}

/**
 * FLOPs of a training step: the forward pass plus a backward pass that
 * costs about twice as much (gradients with respect to activations and to
 * weights each repeat the forward products).
 */
export function trainStepFlops(models: readonly tfl.LayersModel[], batch: number): number {
  return 3 * models.reduce((s, m) => s + forwardFlops(m, batch), 0);
}
