/** Whether a container definition's user makes it run as root: unset (the image decides), uid 0 or `root`. */
export function runsAsRoot(user: unknown): boolean {
  if (user === undefined || user === null || user === '') return true;
  const name = String(user).split(':')[0]!;
  return name === '0' || name === 'root';
}
