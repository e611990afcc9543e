import { ConfirmSheet } from '../components/ConfirmSheet.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { MoneyBanner } from '../components/MoneyBanner.js';
import { NowPlaying } from '../components/NowPlaying.js';
import { Toasts } from '../components/Toasts.js';
import { TopBar } from '../components/TopBar.js';
import { AlbumScreen } from '../screens/AlbumScreen.js';
import { ArtistScreen } from '../screens/ArtistScreen.js';
import { AttractScreen } from '../screens/AttractScreen.js';
import { CategoryScreen } from '../screens/CategoryScreen.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { LettersScreen } from '../screens/LettersScreen.js';
import { QueueScreen } from '../screens/QueueScreen.js';
import { SearchScreen } from '../screens/SearchScreen.js';
import { currentScreen, type Screen } from '../stores/index.js';
import { RetailApp } from './RetailApp.js';
import { useSlice } from './stores-context.js';

function ScreenView({ screen }: { screen: Screen }) {
  switch (screen.name) {
    case 'attract':
      return <AttractScreen />;
    case 'home':
      return <HomeScreen />;
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
    case 'queue':
      return <QueueScreen />;
    // Retail screens; a jukebox never opens them.
    case 'checkout':
    case 'order':
      return <HomeScreen />;
  }
}

/**
 * The whole touch UI: attract mode, or top bar + screen + now playing, with sheet and toasts;
 * on a retail CD terminal the retail layout instead (RetailApp).
 */
export function App() {
  const screen = useSlice('nav', currentScreen);
  const depth = useSlice('nav', (s) => s.stack.length);
  const retail = useSlice('kiosk', (s) => s.state?.mode === 'retail');
  if (screen.name === 'attract') {
    return (
      <>
        <AttractScreen />
        <Toasts />
      </>
    );
  }
  if (retail) return <RetailApp />;
  return (
    <div className="app">
      <TopBar />
      <div className="banners">
        <ConnectionBanner />
        <MoneyBanner />
      </div>
      {/* Keyed by depth and screen so each visit starts scrolled to the top. */}
      <main className="screen-area" key={`${depth}:${screen.name}`}>
        <ScreenView screen={screen} />
      </main>
      <NowPlaying />
      <ConfirmSheet />
      <Toasts />
    </div>
  );
}
