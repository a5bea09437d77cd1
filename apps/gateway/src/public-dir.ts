import { fileURLToPath } from 'node:url';

/** apps/gateway/public: the console and the API docs page, served as they are (no build step). */
export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
