from costlab.schemas import write_all

for path in write_all():
    print(f"wrote {path}")
