"""Counter call buttons: gpiozero buttons and LEDs, keyboard stand-ins, and the outbox that
keeps presses while the broker is away."""
