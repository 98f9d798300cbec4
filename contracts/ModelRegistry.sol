// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ModelRegistry
/// @notice Registers LoRA adapters with what they were trained on, and the share of every fee
///         their owner keeps (fixed at registration, so contributors know their part up front).
contract ModelRegistry {
    struct Model {
        address owner;
        uint16 ownerShareBps;
        uint64 registeredAt;
        bytes32 baseModelId;
        bytes32 manifestRoot;
        address trainer;
        string uri;
    }

    uint16 public constant MAX_BPS = 10_000;

    mapping(bytes32 adapterHash => Model) private _models;

    /// @notice An adapter was registered; `ownerShareBps` of each fee goes to `owner`, the rest to contributors.
    event ModelRegistered(
        bytes32 indexed adapterHash, address indexed owner, address indexed trainer, bytes32 baseModelId, bytes32 manifestRoot, uint16 ownerShareBps, string uri
    );
    /// @notice A model changed hands (its fee split does not change).
    event ModelOwnershipTransferred(bytes32 indexed adapterHash, address indexed from, address indexed to);

    error AlreadyRegistered(bytes32 adapterHash);
    error UnknownModel(bytes32 adapterHash);
    error NotOwner(bytes32 adapterHash, address caller);
    error ShareTooLarge(uint16 ownerShareBps);
    error ZeroHash();
    error ZeroAddress();

    /// @notice Registers an adapter, owned by the caller.
    /// @param adapterHash Hash of the adapter's weights (its id here); unused, non-zero.
    /// @param baseModelId Id of the base model it adapts (e.g. keccak256 of the hub name and revision).
    /// @param manifestRoot Merkle root of the training manifest (contribution records and their weights).
    /// @param trainer Who trained it (credited; may differ from the owner).
    /// @param ownerShareBps The owner's part of every fee in basis points (0 to 10,000); the rest is the contributors'.
    /// @param uri Where the adapter and its manifest can be fetched.
    function register(bytes32 adapterHash, bytes32 baseModelId, bytes32 manifestRoot, address trainer, uint16 ownerShareBps, string calldata uri)
        external
    {
        if (adapterHash == bytes32(0)) revert ZeroHash();
        if (trainer == address(0)) revert ZeroAddress();
        if (ownerShareBps > MAX_BPS) revert ShareTooLarge(ownerShareBps);
        if (_models[adapterHash].owner != address(0)) revert AlreadyRegistered(adapterHash);
        _models[adapterHash] = Model(msg.sender, ownerShareBps, uint64(block.timestamp), baseModelId, manifestRoot, trainer, uri);
        emit ModelRegistered(adapterHash, msg.sender, trainer, baseModelId, manifestRoot, ownerShareBps, uri);
    }

    /// @notice Hands a model to a new owner; only its owner may.
    /// @param adapterHash The model.
    /// @param to The new owner (not the zero address).
    function transferOwnership(bytes32 adapterHash, address to) external {
        if (to == address(0)) revert ZeroAddress();
        Model storage m = _models[adapterHash];
        if (m.owner == address(0)) revert UnknownModel(adapterHash);
        if (m.owner != msg.sender) revert NotOwner(adapterHash, msg.sender);
        emit ModelOwnershipTransferred(adapterHash, m.owner, to);
        m.owner = to;
    }

    /// @notice The registration of a model; reverts when there is none.
    /// @param adapterHash The model.
    /// @return The model's record.
    function get(bytes32 adapterHash) external view returns (Model memory) {
        Model memory m = _models[adapterHash];
        if (m.owner == address(0)) revert UnknownModel(adapterHash);
        return m;
    }

    /// @notice The owner and fee split of a model, for Settlement; reverts when unknown.
    /// @param adapterHash The model.
    /// @return owner Who receives the owner's part.
    /// @return ownerShareBps The owner's part in basis points.
    function feeSplit(bytes32 adapterHash) external view returns (address owner, uint16 ownerShareBps) {
        Model storage m = _models[adapterHash];
        if (m.owner == address(0)) revert UnknownModel(adapterHash);
        return (m.owner, m.ownerShareBps);
    }
}
