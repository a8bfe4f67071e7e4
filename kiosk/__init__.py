"""The ticket machine (取号机): its screen, its buttons and its ticket printer."""
