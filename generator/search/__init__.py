"""Search: Pagefind's bundle in public/pagefind/, made from the post pages. May import core, site."""
