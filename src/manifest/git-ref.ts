/**
 * Why a name is not a valid git branch name, or undefined when it is: the rules of
 * `git check-ref-format --branch` (git-check-ref-format(1)). A pipeline's push trigger filters on
 * the branch name, so a name git refuses would never match a push.
 */
export function branchNameProblem(name: string): string | undefined {
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'has a space, control character or one of ~ ^ : ? * [ \\';
  if (name.startsWith('-')) return "starts with '-'";
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return "starts or ends with '/', or has '//'";
  if (name.includes('..')) return "has '..'";
  if (name.includes('@{') || name === '@') return "is '@' or has '@{'";
  if (name.endsWith('.')) return "ends with '.'";
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return "has a part that starts with '.' or ends with '.lock'";
  return undefined;
}

/** Why a Dockerfile path cannot be in the repository, or undefined: it must be relative and stay inside. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'is absolute';
  if (path.split('/').includes('..')) return "leaves the repository through '..'";
  return undefined;
}
