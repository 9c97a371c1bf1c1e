// TensorBoard scalars. The event-file writer lives in tfjs-node
// (`tf.node.summaryFileWriter`), which library code must not import, so the
// entry point injects a factory; without one nothing is written.

/** The part of tfjs-node's SummaryFileWriter used here. */
export interface ScalarWriter {
  scalar(name: string, value: number, step: number): void;
  flush(): void;
}

/** Creates a writer for a log folder, e.g. `(dir) => tfnode.node.summaryFileWriter(dir)`. */
export type ScalarWriterFactory = (logdir: string) => ScalarWriter;

export const nullScalarWriter: ScalarWriter = {
  scalar() {},
  flush() {},
};
