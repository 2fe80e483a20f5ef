"""Search: ranking, the index, pinyin readings and keyboard candidates."""
