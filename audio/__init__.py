"""Voice announcements: the chime, speech synthesis, the clip cache, the player, the announcer.

Everything plays through one pygame.mixer opened once: a Pi's HDMI audio takes one ALSA
client at a time, so a second player (pyttsx3's own aplay) would collide with it.
"""
