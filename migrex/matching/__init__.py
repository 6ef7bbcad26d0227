"""Name matching across scripts, without Django: transliteration and the folding key
(`translit`), document identifiers (`validators`), the linkage of two registries (`linkage`),
synthetic registries with the truth (`synthetic`), FEBRL4 in the columns of `migrex link`
(`febrl`), and their data (`data/`: names and spelling variants).

The bottom of its own floor: nothing here imports another migrex package; the apps (persons,
channels) and the command import it."""
