/*
 * The retail CD terminal's UI: browse, preview, build a disc, pay, burn, follow the order.
 *
 * Handles for the e2e suite (roles and names first, test ids where a role is not unique):
 *   add a track        row `[data-testid="track-<id>"]`, button "Add <title> to disc"
 *                      (disabled with the reason in `.add-reason` when it cannot go on);
 *                      `[data-testid="on-disc"]` in the row once it is on the disc;
 *                      preview: toggle button "Preview <title>" (aria-pressed while playing),
 *                      the one <audio> is `[data-testid="preview-audio"]`
 *   disc panel         complementary "Your disc" `[data-testid="disc-panel"]`; list "Tracks on your
 *                      disc" of `[data-testid="disc-entry"]` rows in disc order; capacity
 *                      meter "Time on disc" (`[data-testid="disc-time"]` "52:13 of 79:58"),
 *                      `[data-testid="disc-count"]` "12 of 99 tracks", `[data-testid="disc-price"]`
 *   drag reorder       mouse down on `[data-testid="drag-handle"]` of a row, move (in steps)
 *                      to the target row, release; or buttons "Move up: track N, <title>",
 *                      "Move down: track N, <title>", "Remove: track N, <title>"
 *   title              button "Edit disc title" opens dialog "Disc title" (keys named by their
 *                      character, "Space", "Backspace", "Clear", then "Done"); the value is
 *                      textbox "Disc title" `[data-testid="disc-title"]`
 *   checkout           button "Checkout"; then `[data-testid="checkout-price"]`,
 *                      `checkout-inserted`, `checkout-missing`, status `checkout-pay-status`
 *   voucher            "Edit voucher code" -> dialog "Voucher code" -> keys -> "Done"; button
 *                      "Redeem voucher"; answer in status `[data-testid="voucher-message"]`
 *   burn               button "Burn my CD"; problems in alert list "Problems with your disc";
 *                      other refusals in `[data-testid="checkout-error"]`
 *   confirmation       `[data-testid="tracking-number"]` (text like 7K3M-9QXP-2D4F), button
 *                      "Copy tracking number", button "Back to browsing"
 *   order status       status `[data-testid="order-status"]` with `data-status` = the order's
 *                      status; progressbar "Burn progress" while burning; `order-message`,
 *                      `order-refund` when refunded
 *   idle               alertdialog "Keep your disc?" with "Keep my disc" / "Start over"
 */
import { useCallback } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { DiscPanel } from '../components/DiscPanel.js';
import { KeepDiscPrompt } from '../components/KeepDiscPrompt.js';
import { MoneyBanner } from '../components/MoneyBanner.js';
import { Toasts } from '../components/Toasts.js';
import { TopBar } from '../components/TopBar.js';
import { AlbumScreen } from '../screens/AlbumScreen.js';
import { ArtistScreen } from '../screens/ArtistScreen.js';
import { CheckoutScreen } from '../screens/CheckoutScreen.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { CategoryScreen } from '../screens/CategoryScreen.js';
import { LettersScreen } from '../screens/LettersScreen.js';
import { OrderScreen } from '../screens/OrderScreen.js';
import { SearchScreen } from '../screens/SearchScreen.js';
import { currentScreen, type Screen } from '../stores/index.js';
import { useSlice, useStores } from './stores-context.js';

function RetailScreenView({ screen }: { screen: Screen }) {
  switch (screen.name) {
    case 'category':
      return <CategoryScreen categoryId={screen.categoryId} title={screen.title} />;
    case 'letters':
      return <LettersScreen by={screen.by} />;
    case 'artist':
      return <ArtistScreen artistId={screen.artistId} />;
    case 'album':
      return <AlbumScreen albumId={screen.albumId} />;
    case 'search':
      return <SearchScreen />;
    case 'checkout':
      return <CheckoutScreen />;
    case 'order':
      return <OrderScreen trackingNumber={screen.trackingNumber} />;
    // A terminal has no play queue; attract is drawn by App.
    case 'home':
    case 'queue':
    case 'attract':
      return <HomeScreen />;
  }
}

/** The page's one <audio>, handed to the preview store while it is mounted. */
function PreviewAudio() {
  const { preview } = useStores();
  const attach = useCallback(
    (el: HTMLAudioElement | null) => preview.getState().attach(el),
    [preview],
  );
  return <audio ref={attach} preload="none" data-testid="preview-audio" />;
}

/**
 * The retail layout: top bar, the browsing or checkout screen, and the disc panel beside it
 * (a bottom sheet in portrait). The panel steps aside while paying and on the confirmation,
 * where the disc is no longer being edited.
 */
export function RetailApp() {
  const screen = useSlice('nav', currentScreen);
  const depth = useSlice('nav', (s) => s.stack.length);
  const building = screen.name !== 'checkout' && screen.name !== 'order';
  return (
    <div className={`app retail${building ? ' with-disc' : ''}`}>
      <TopBar />
      <div className="banners">
        <ConnectionBanner />
        <MoneyBanner />
      </div>
      {/* Keyed by depth and screen so each visit starts scrolled to the top. */}
      <main className="screen-area" key={`${depth}:${screen.name}`}>
        <RetailScreenView screen={screen} />
      </main>
      {building && <DiscPanel />}
      <PreviewAudio />
      <KeepDiscPrompt />
      <Toasts />
    </div>
  );
}
