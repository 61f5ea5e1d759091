// The one place the webhook takes its pin spelling from. Until `core/pin.ts` lands (restructure
// issue), that is the `pin` command's rule; switching this line switches the whole webhook.

export { pinnedImage } from '../../manifests/pin-images.ts';
