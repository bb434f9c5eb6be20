// `npm run csp`: prints the Content-Security-Policy the build uses (MEMOS_MODEL_HOSTS from the
// environment), for deployments that send it as a header from their own server (decision 0016).
import { contentSecurityPolicy, modelHosts } from '../config/csp.ts';

console.log(contentSecurityPolicy(modelHosts(process.env['MEMOS_MODEL_HOSTS'])));
