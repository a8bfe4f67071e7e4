"""The ticket machine (取号机): a touch screen (or GPIO buttons) where a customer takes a
ticket in their language, and the printer that hands it to them. Its own service: it
meets the engine only on the broker, and shares the board's fonts, text fitting and
themes."""
