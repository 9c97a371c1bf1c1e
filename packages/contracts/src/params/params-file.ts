// The layout of a pipeline's params file (pipelines/params/*.yaml): one
// section per stage, read by the stage's CLI from the JSON file the pipeline
// runner writes for `${params.<section>}`:
//   data, judge-data   the data stage (the same schema: the judge's datasets are built by it too)
//   train.judge        the judge training stage (`cli.ts judge`)
//   train.<any other>  a VAE training stage (`cli.ts vae`): sgvae, svae, svae-aug, ...
//   eval               the eval stage (and the sweep report, the model viewer)
// The pipeline files say which CLI reads which key; the rule above is the one
// they follow, and the JSON schema of the file (params.schema.json) encodes it.
import { z } from 'zod';
import { documentedProfileSchema, type Fields } from './profiles.ts';
import { strict } from './schema.ts';

/** The key of the `train` section read by the judge stage; every other key is a VAE's. */
export const JUDGE_TRAIN_KEY = 'judge';

/** Which training stage reads `train.<key>`. */
export function trainStageFor(key: string): 'judge' | 'vae' {
  return key === JUDGE_TRAIN_KEY ? 'judge' : 'vae';
}

/** The schemas of the stages, as their packages define them. */
export interface StageSchemas {
  data: z.ZodType;
  vae: Fields;
  judge: Fields;
  eval: z.ZodType;
}

/** The whole params file as one schema, for the JSON schema editors use. */
export function paramsFileSchema(stages: StageSchemas): z.ZodType {
  const data = stages.data.meta({ id: 'dataParams', description: 'Params of the data stage (packages/data).' });
  const vae = documentedProfileSchema(stages.vae).meta({ id: 'vaeParams', description: 'Params of a VAE training stage (packages/train, `cli.ts vae`).' });
  const judge = documentedProfileSchema(stages.judge).meta({
    id: 'judgeParams',
    description: 'Params of the judge training stage (packages/train, `cli.ts judge`).',
  });
  const evalParams = stages.eval.meta({ id: 'evalParams', description: 'Params of the eval stage (packages/eval).' });
  return strict({
    data: data.optional(),
    'judge-data': data.optional().describe('Params of the data stage building the judge\'s datasets (all of MNIST).'),
    train: z
      .object({ [JUDGE_TRAIN_KEY]: judge.optional() })
      .catchall(vae)
      .optional()
      .describe(
        'Params of the training stages by model: `judge` is the judge\'s (`cli.ts judge`); every other key (sgvae, svae, svae-aug, ...) is a VAE\'s (`cli.ts vae`).',
      ),
    eval: evalParams.optional(),
  }).meta({
    title: 'Params of a pipeline (pipelines/params/<name>.yaml)',
    description:
      'One section per stage; each stage reads its section (see pipelines/README.md). Generated from the stages\' schemas by `npm run params:schema`; do not edit.',
  });
}

/** The JSON schema (draft 2020-12) of a params file. */
export function paramsFileJsonSchema(stages: StageSchemas): Record<string, unknown> {
  return z.toJSONSchema(paramsFileSchema(stages), { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
