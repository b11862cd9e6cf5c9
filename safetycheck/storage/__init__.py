"""Where data is kept: the data folder, the encrypted vault and the key."""
