/**
 * Keeps the AWS SDK's Node.js version notice ("NodeVersionSupportWarning: The AWS SDK for
 * JavaScript (v3) versions published after … will require node >=22…") from the person deploying.
 *
 * The notice is for whoever chooses which SDK version runs, and for cityplan that is cityplan:
 * package-lock.json pins the SDK, and package.json's `engines` says which Node.js versions cityplan
 * supports. Someone running `cityplan deploy` can do nothing about it, and it reads as if their
 * deploy were at risk. This sets the SDK's own switch for that one notice (read when the first
 * client is made), so every other warning is still shown; a user who sets the variable to `false`
 * sees the notice again.
 */
export function quietSdkNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
