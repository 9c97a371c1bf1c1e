// Typed errors of the equivariant layers. Messages say what to change.

export class EquivariantError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A tensor or layer does not carry the feature type a layer declared. */
export class FieldTypeError extends EquivariantError {}

/** A map size, kernel, stride or padding moves the rotation centre off the sampling grid. */
export class GridGeometryError extends EquivariantError {}

/** A kernel size or group order for which no usable steerable basis exists. */
export class BasisError extends EquivariantError {}

/** A layer argument (rate, momentum, mode, initialiser, ...) is out of range or unknown. */
export class LayerArgumentError extends EquivariantError {}
