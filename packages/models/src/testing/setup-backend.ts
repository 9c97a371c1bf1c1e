// Every test file in this package runs on native TensorFlow, as training does.
import { useBackend } from '../backend/index.ts';

await useBackend('tensorflow', { purpose: 'test' });
