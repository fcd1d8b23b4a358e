"""The roster (花名册) of party members, cadres and service agents."""
