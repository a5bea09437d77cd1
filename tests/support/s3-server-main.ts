// The embedded S3 server as a process of its own (tests/support/s3-server.ts starts it): a test can kill it
// the hard way, as a crashed or lost S3 host, and start it again on the same port and data.
import { startEmbeddedS3 } from '@shelfwise/embedded-s3';

const [port, dataDir] = process.argv.slice(2);
if (!port || !dataDir) throw new Error('usage: s3-server-main.ts <port> <data dir>');
const s3 = await startEmbeddedS3({ port: Number(port), dataDir });
process.stdout.write(`ready ${s3.endpoint}\n`);
