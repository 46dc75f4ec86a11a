import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {GLYPHS} from '../glyphs.js';
import {useTheme} from '../theme.js';

const FRAMES = GLYPHS.spinner;

/** A one-character spinner; it re-renders only itself. */
export function Spinner({intervalMs = 100}: {intervalMs?: number}) {
	const theme = useTheme();
	const [frame, setFrame] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setFrame(previous => (previous + 1) % FRAMES.length), intervalMs);
		return () => clearInterval(timer);
	}, [intervalMs]);
	return <Text color={theme.text.accent}>{FRAMES[frame]}</Text>;
}
