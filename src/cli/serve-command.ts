/** `umbra serve`: the same process as `npm start`. */
export default async function serve() {
  await import('../server.ts')
}
