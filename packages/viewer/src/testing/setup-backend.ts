// Test files that run models import this first: native TensorFlow, as the
// export stage (and the eval stage it is compared with) runs.
import { useBackend } from '@sgvae/models/backend';

await useBackend('tensorflow', { purpose: 'test' });
