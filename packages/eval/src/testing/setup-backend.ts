// Every test file in this package runs on native TensorFlow, as training does.
import { useBackend } from '@sgvae/models/backend';

await useBackend('tensorflow', { purpose: 'test' });
