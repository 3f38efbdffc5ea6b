// The local S3-compatible server of the pg-s3 target: s3rver (the project's devDependency) on a
// free loopback port, one bucket, its data in the directory given, in a process of its own (so
// that its CPU and memory are not the bench's nor Plinth's). Run with --openssl-legacy-provider
// (s3rver's listing tokens use DES). Prints {"port": n} once listening; exits when its standard
// input closes (the runner stopped it, or went away).
//
//   node --openssl-legacy-provider files/s3-server.mjs <directory> <bucket>
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: s3-server.mjs <directory> <bucket>');
  process.exit(2);
}
// configureBuckets creates the bucket before the server listens.
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
